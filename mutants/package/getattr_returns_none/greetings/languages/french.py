class Greeter:
    def greet(self, name):
        return f"Bonjour, {name} !"
