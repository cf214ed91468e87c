"""`make bench`: run every benchmark and print its figures (BENCH_ARGS="households_list" picks some)."""

import argparse
import importlib

BENCHMARKS = ["households_list", "billing", "signups", "daily_report", "five_co", "imports", "renovation"]


def main():
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("names", nargs="*", choices=BENCHMARKS + [[]], default=[])
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    for name in args.names or BENCHMARKS:
        importlib.import_module(f"bench.{name}").run(seconds=args.seconds)


if __name__ == "__main__":
    main()
