"""`python -m katas.greetings NAME [LANGUAGE]`: print a greeting."""

import argparse
import sys

from . import greet


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m katas.greetings",
                                     description="Greet someone in a language.")
    parser.add_argument("name")
    parser.add_argument("language", nargs="?", default="english")
    args = parser.parse_args(argv)
    try:
        print(greet(args.name, args.language))
    except LookupError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
