"""An address under /web/ that no page has answers the dashboard's own Vietnamese page, as a
team that does not exist does, over real HTTP; on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.dashboard_site import TEAM_1, Site, officer
from tests.e2e.test_dashboard_access import logged_in

NOT_FOUND = "Không có trang này"


def test_an_unknown_address_gets_the_page_a_missing_team_gets(site: Site):
    site.roster.joined("Lê Văn Tám", team=TEAM_1)
    client = logged_in(site, officer(site))
    team, ward = site.team_id(TEAM_1), site.ward_id()
    missing_team = client.get("/web/to/99999")
    assert missing_team.status_code == 404 and NOT_FOUND in missing_team.text
    for path in (
        f"/web/to/{team}/khong",
        f"/web/phuong/{ward}/khong-co",
        f"/web/to/{team}/thanh-vien/them",
        "/web/to/mot",
        "/web/khong-co",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"].startswith("text/html"), path
        assert NOT_FOUND in answer.text and "Not Found" not in answer.text, path
        assert "Vũ Thị Ánh" in answer.text and "Trang của tôi</a>" in answer.text  # who, way back
        assert answer.headers["x-frame-options"] == "DENY"  # the security headers still


@pytest.mark.parametrize(("method", "path"), [("GET", "/web/thoat"), ("PUT", "/web")])
def test_a_known_address_with_the_wrong_method_still_gets_405(site: Site, method: str, path: str):
    assert httpx.request(method, site.url + path).status_code == 405


def test_someone_not_logged_in_gets_the_vietnamese_page_too(site: Site):
    answer = httpx.get(site.url + "/web/to/1/khong")
    assert answer.status_code == 404
    assert NOT_FOUND in answer.text and "Not Found" not in answer.text
    assert "Trang của tôi</a>" not in answer.text  # no one to take home
    assert httpx.get(site.url + "/khong-co").status_code == 404  # outside /web/: as before
