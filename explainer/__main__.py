from explainer.cli import entry

entry()
