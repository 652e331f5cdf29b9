"""The deployment pieces that need no server: the README quotes the nginx configuration the
two-node test runs; the X-Served-By header only on a named node."""

import re

from tests.scaleout import servers


def test_the_readme_quotes_the_nginx_configuration_the_two_node_test_runs():
    readme = (servers.PROJECT_DIR / "README.md").read_text()
    quoted = re.search(r"```nginx\n(.*?)```", readme, re.S)
    assert quoted, "README.md has no nginx block"
    assert quoted.group(1) == servers.NGINX_TEMPLATE.read_text()


def test_the_template_fills_in_every_placeholder(tmp_path):
    config = servers.nginx_config(runtime_dir=tmp_path, listen="127.0.0.1:8840", upstreams=["127.0.0.1:8841", "127.0.0.1:8842"])
    assert "server 127.0.0.1:8841;" in config and "server 127.0.0.1:8842;" in config
    assert f"pid {tmp_path}/nginx.pid;" in config and "listen 127.0.0.1:8840;" in config


def test_the_served_by_header_is_added_only_when_a_node_is_named():
    from tests.site.processes import settings_values

    unnamed = settings_values("otop_site.settings.local", ["MIDDLEWARE"])["MIDDLEWARE"]
    named = settings_values("otop_site.settings.local", ["MIDDLEWARE"], NODE_NAME="node-a")["MIDDLEWARE"]
    assert "otop_site.middleware.ServedByMiddleware" not in unnamed
    assert named == ["otop_site.middleware.ServedByMiddleware", *unnamed]
