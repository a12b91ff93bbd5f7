"""Language plugins: every module here with a class Greeter is a language."""
