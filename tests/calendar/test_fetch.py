"""Calendar imports by URL: http(s) only, never private or loopback addresses, size and time limits."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from outreach.core.errors import InvalidInput
from outreach.core.fetch import MAX_BYTES, check_url, fetch_calendar

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nEND:VCALENDAR\r\n"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/x.ics",
        "gopher://x",
        "http://127.0.0.1/x.ics",
        "http://localhost/x.ics",
        "http://10.0.0.5/x.ics",
        "http://192.168.1.1/x.ics",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x.ics",
        "http://0.0.0.0/x.ics",
        "not a url",
    ],
)
def test_unsafe_addresses_are_refused(url):
    with pytest.raises(InvalidInput):
        check_url(url)


@pytest.fixture
def server():
    """A local calendar server; reachable only because the test allows private addresses."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/big.ics":
                body = ICS + b"X" * (MAX_BYTES + 10)
            elif self.path == "/moved.ics":
                self.send_response(302)
                self.send_header("Location", "http://169.254.169.254/")
                self.end_headers()
                return
            elif self.path == "/missing.ics":
                self.send_error(404)
                return
            else:
                body = ICS
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_reads_a_calendar(server):
    assert fetch_calendar(server + "/cal.ics", allow_private=True) == ICS


def test_loopback_server_is_refused_without_the_override(server):
    with pytest.raises(InvalidInput):
        fetch_calendar(server + "/cal.ics")


@pytest.mark.parametrize(("path", "message"), [("/big.ics", "larger than"), ("/moved.ics", "redirects"), ("/missing.ics", "404")])
def test_fetch_limits(server, path, message):
    with pytest.raises(InvalidInput) as raised:
        fetch_calendar(server + path, allow_private=True)
    assert message in raised.value.fields["url"]
