"""Screenshots of the pages (/chat on a phone, in English and Chinese; /desk with a claimed conversation) and
the demo page's first paint, against a running service:

    ADMIN_TOKENS="ann:operator:$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)" python serve.py &
    python scripts/page_screenshots.py http://127.0.0.1:8000 "$TOKEN" shots/

Chinese text needs a CJK font on the machine (Debian: fonts-noto-cjk)."""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PHONE = dict(viewport={"width": 390, "height": 780}, device_scale_factor=2, is_mobile=True, has_touch=True)


def main(url: str, token: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(locale="en-US", **PHONE).new_page()
        page.goto(f"{url}/chat")
        page.wait_for_selector(".sc-form")
        print("first paint (ms):", page.evaluate("performance.getEntriesByType('paint').map(e => e.startTime)"))

        def say(text: str) -> None:
            count = page.locator(".sc-bot").count()
            page.fill(".sc-input", text)
            page.press(".sc-input", "Enter")
            page.locator(".sc-bot").nth(count).wait_for()

        say("I want to cancel my order")
        say("my email is yusuf.rossi7301@example.com")
        page.locator(".sc-quick button").first.click()
        page.locator(".sc-bot").nth(2).wait_for()
        say("I don't need it anymore")
        page.screenshot(path=out / "chat-quick-replies.png")
        page.locator(".sc-quick button").last.click()
        page.locator(".sc-bot").nth(4).wait_for()
        say("how much is the Yoga Mat?")
        page.screenshot(path=out / "chat-card.png")
        say("This is ridiculous!!! Worst service ever, I am furious, get me a real person NOW")
        session = page.evaluate("JSON.parse(Object.entries(localStorage)"
                                ".find(([k]) => k.startsWith('shop-chat:'))[1]).session_id")
        desk = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 700}).new_page()
        desk.goto(f"{url}/desk")
        desk.fill("input[type=password]", token)
        desk.click("button")
        desk.click(f".dk-item[data-session='{session}']")
        desk.click("[data-action=claim]")
        page.locator(".sc-human").wait_for()
        page.fill(".sc-input", "hello? anyone?")
        page.press(".sc-input", "Enter")
        desk.locator(".dk-shopper", has_text="anyone").wait_for()
        desk.fill(".dk-compose textarea", "Hi, I'm Ann from the service team. Sorry about this, let me sort it out.")
        desk.click(".dk-compose button")
        page.locator(".sc-agent").wait_for()
        desk.wait_for_timeout(1200)
        page.screenshot(path=out / "chat-human.png")
        desk.screenshot(path=out / "desk.png")
        chinese = browser.new_context(locale="zh-CN", **PHONE).new_page()
        chinese.goto(f"{url}/chat")
        chinese.fill(".sc-input", "你好")
        chinese.press(".sc-input", "Enter")
        chinese.locator(".sc-bot").first.wait_for()
        chinese.screenshot(path=out / "chat-zh.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], Path(sys.argv[3] if len(sys.argv) > 3 else "shots"))
