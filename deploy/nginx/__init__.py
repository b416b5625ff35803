"""nginx in front of Rasa: the config template, its renderer and an unprivileged runner."""
