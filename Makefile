# The two commands of the README, and a few more for day-to-day work.
.PHONY: demo test stop lint format

demo:  ## install everything and start linli with the demo community
	bash devtools/scripts/demo.sh

test:  ## run every test (starts MariaDB and Redis if they are down)
	bash devtools/scripts/test.sh

stop:  ## stop what `make demo` started
	bash devtools/scripts/stop.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .
