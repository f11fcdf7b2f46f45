{% if cookiecutter.auth != "none" %}{% include "app/auth/deps_" ~ cookiecutter.auth ~ ".py" %}{% endif %}
