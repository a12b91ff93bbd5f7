class Greeter:
    def greet(self, name):
        return f"Hello, {name}!"
