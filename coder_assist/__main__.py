from coder_assist.cli.main import app

app(prog_name="coder-assist")
