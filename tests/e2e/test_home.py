from tests.e2e.browser import screenshot


def test_visitor_sees_home_page_and_switches_to_thai(page, phone_page, places):
    page.goto("/")
    assert page.locator("h1").first.is_visible()
    screenshot(page, "home-desktop")
    page.get_by_role("link", name="ไทย").click()
    page.wait_for_url("**/th/")
    assert page.locator("html").get_attribute("lang") == "th"
    screenshot(page, "home-desktop-th")
    phone_page.goto("/ja/")
    screenshot(phone_page, "home-phone-ja")
    phone_page.goto("/")
    screenshot(phone_page, "home-phone")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the home page must not scroll sideways on a 360 px phone"
