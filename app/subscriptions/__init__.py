"""WeChat subscribe messages: each community's templates and each person's send credits."""
