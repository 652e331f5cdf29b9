"""The README's Deployment section quotes the nginx configuration the two-node test runs."""

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
