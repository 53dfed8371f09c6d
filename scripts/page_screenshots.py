"""Screenshots of the four pages against a running service, and the demo page's first paint: /chat on a phone
(quick replies, a product card, a person at the desk, Chinese), /desk with a claimed conversation, /console (a
prompt engineer's typo shown at its line, a rule edited too broadly with its example failing, the diff before
publishing; nothing is published) and /dashboard after a short load. An operator's token for the desk and the
dashboard, a prompt engineer's for the console (bench/screenshots/ holds the last run's):

    OPERATOR=$(openssl rand -hex 16) PROMPT=$(openssl rand -hex 16)
    digest() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
    ADMIN_TOKENS="ann:operator:$(digest $OPERATOR),pat:prompt_engineer:$(digest $PROMPT)" LLM_MAX_RETRIES=0 \\
        SHOP_DB_URL=sqlite:////tmp/shots-shop.db python serve.py &
    python scripts/page_screenshots.py http://127.0.0.1:8000 "$OPERATOR" "$PROMPT" bench/screenshots

(`python serve.py admin-token ann operator` makes such a token too.) Run it against a fresh service: the
dashboard's figures are the process's own since it started, and the conversation suite's shopper is one who has
not cancelled yet. Chinese text needs a CJK font on the machine (Debian: fonts-noto-cjk)."""
import sys
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

PHONE = dict(viewport={"width": 390, "height": 780}, device_scale_factor=2, is_mobile=True, has_touch=True)
DESKTOP = dict(viewport={"width": 1280, "height": 820})
ANGRY = "This is ridiculous!!! Worst service ever, I am furious, get me a real person NOW"


def staff_page(browser, url: str, path: str, token: str, locale: str = "en-US", viewport: dict = DESKTOP):
    page = browser.new_context(locale=locale, **viewport).new_page()
    page.goto(f"{url}{path}")
    page.fill("input[type=password]", token)
    page.click("button")
    return page


def chat_and_desk(browser, url: str, operator: str, out: Path) -> None:
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
    say(ANGRY)
    session = page.evaluate("JSON.parse(Object.entries(localStorage)"
                            ".find(([k]) => k.startsWith('shop-chat:'))[1]).session_id")
    desk = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 700}).new_page()
    desk.goto(f"{url}/desk")
    desk.fill("input[type=password]", operator)
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


def console(browser, url: str, prompt_engineer: str, out: Path) -> None:
    """safety_abuse's harassment rule: a typo, then a word that legitimate shoppers use too, then the fix's diff."""
    page = staff_page(browser, url, "/console", prompt_engineer)
    page.click(".pc-item[data-policy=safety_abuse]")
    yaml = page.locator("textarea.pc-yaml")
    published = yaml.input_value()
    rule = "  - id: harassment\n"
    first_line = published[:published.index(rule)].count("\n") + 1

    def edit(text: str, at_line: int) -> None:
        yaml.fill(text)
        # the rule's lines at the top of the editor (the gutter and the marks behind the text follow its scroll)
        yaml.evaluate("(area, line) => { area.scrollTop = (line - 2) * 20; area.dispatchEvent(new Event('scroll')); }",
                      at_line)

    typo = published.replace(rule + "    applies_to: [input]\n    action: block",
                             rule + "    applies_to: [input]\n    action: blok", 1)
    edit(typo, first_line)
    page.locator(".pc-line.pc-bad .pc-msg").wait_for()
    page.screenshot(path=out / "console-schema-error.png")

    edit(published.replace(rule, rule + "    phrases: [zanzibar, parcel]\n", 1), first_line)
    page.locator(".pc-errors .pc-ok").wait_for()
    page.click("[data-action=examples]")
    page.locator(".pc-example.pc-fail").first.wait_for()
    page.locator(".pc-example.pc-fail").first.scroll_into_view_if_needed()
    page.screenshot(path=out / "console-examples.png")

    edit(published.replace(rule, rule + "    phrases: [zanzibar]\n", 1), first_line)
    page.click("[data-action=review]")
    page.locator(".pc-diff .pc-add").first.wait_for()
    page.fill(".pc-comment", "zanzibar is harassment")
    page.locator("[data-action=publish]").scroll_into_view_if_needed()
    page.screenshot(path=out / "console-diff.png")  # not published: the service's policy stays as it was


def load(url: str) -> int:
    """A short load through the real service: FAQs the answer cache closes, a price question whose coupon is
    taken, product questions, an angry shopper handed over. Returns the turns sent."""
    turns = 0
    with httpx.Client(base_url=url, timeout=30) as http:
        def conversation(*texts: str) -> None:
            nonlocal turns
            opened = http.post("/v1/sessions", json={"channel": "h5"}).json()
            for text in texts:
                http.post("/v1/chat", json={"session_id": opened["session_id"], "text": text},
                          headers={"Authorization": f"Bearer {opened['session_token']}"}).raise_for_status()
                turns += 1

        for round in range(4):
            conversation("how long does a refund take", "do you ship to Canada?")
            conversation("这款手机有优惠吗", "好的")
            conversation("how much is the Yoga Mat?", "包邮吗")
            if round % 2:
                conversation(ANGRY)
            time.sleep(2.5)  # across several of the page's polls, so the charts draw a line
    return turns


def dashboard(browser, url: str, operator: str, out: Path) -> None:
    page = staff_page(browser, url, "/dashboard", operator, viewport={"viewport": {"width": 1280, "height": 600}})
    page.locator("[data-figure=turns]").wait_for()
    print("turns sent for the dashboard:", load(url))
    page.wait_for_timeout(4500)  # two more polls
    page.screenshot(path=out / "dashboard.png", full_page=True)  # as tall as the figures


def main(url: str, operator: str, prompt_engineer: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu"])
        chat_and_desk(browser, url, operator, out)
        console(browser, url, prompt_engineer, out)
        dashboard(browser, url, operator, out)
        browser.close()
    for shot in sorted(out.glob("*.png")):
        print(f"{shot}: {shot.stat().st_size // 1024} KB")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4] if len(sys.argv) > 4 else "bench/screenshots"))
