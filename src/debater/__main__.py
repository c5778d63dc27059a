"""`python -m debater`: the same as the `debater` command."""

from debater.cli import main

if __name__ == "__main__":
    main()
