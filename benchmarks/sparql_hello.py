"""The Flask "hello" floor: the fastest a Flask app under gunicorn answers on this machine."""

from flask import Flask

app = Flask(__name__)


@app.route("/hello")
def hello() -> str:
    """The cheapest possible answer."""
    return "hello"
