"""Command line: run the WeChat emulator in the foreground until SIGTERM or SIGINT."""

import argparse
import json
import signal
import threading

from .server import EmulatorServer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.wechat_emulator", description=__doc__.strip()
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--appid", default="wx_demo_app")
    parser.add_argument("--secret", default="demo_secret")
    parser.add_argument("--push-url", help="our message-push endpoint, e.g. .../wechat/push")
    parser.add_argument("--push-token", help="the Token configured for message push")
    parser.add_argument("--push-aes-key", help="the 43-character EncodingAESKey (safe mode)")
    parser.add_argument("--templates", help="JSON file: a list of {template_id, fields, ...}")
    parser.add_argument("--pages", help="comma-separated known pages, e.g. pages/index/index")
    parser.add_argument("--token-ttl", type=float, default=7200)
    parser.add_argument(
        "--token-grace",
        type=float,
        default=300,
        help="seconds a token replaced by cgi-bin/token keeps working (WeChat: 300)",
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    templates = None
    if args.templates:
        with open(args.templates, encoding="utf-8") as file:
            templates = json.load(file)
    server = EmulatorServer(
        host=args.host,
        port=args.port,
        appid=args.appid,
        secret=args.secret,
        push_url=args.push_url,
        push_token=args.push_token,
        push_aes_key=args.push_aes_key,
        token_ttl=args.token_ttl,
        token_grace=args.token_grace,
        templates=templates,
        pages=[p.strip() for p in args.pages.split(",") if p.strip()] if args.pages else None,
    )
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    server.start()
    print(f"WeChat emulator for {args.appid} listening on {server.url}", flush=True)
    # A signal may land on a server thread; waking up now and then lets the main thread see it.
    while not stopping.wait(0.2):
        pass
    server.stop()


if __name__ == "__main__":
    main()
