"""Portal pages on a phone: a real Chrome at 390 px wide.

Tenants use phones.  :class:`PhoneCase` opens a portal page in the test
browser with a 390 x 844 touch screen and fails when the page scrolls
sideways (the page itself, or a box of it such as a responsive table) or
when the page's main action (pay, submit, sign, register, ...) is missing,
hidden or cut off once scrolled to.
"""

import json

PHONE_SIZE = "390x844"

PHONE_CHECK = """
(function () {
    const width = window.innerWidth;
    const page = document.documentElement;
    const describe = (el) =>
        el.tagName.toLowerCase() +
        (el.id ? "#" + el.id : "") +
        (typeof el.className === "string" && el.className
            ? "." + el.className.trim().split(/\\s+/).join(".")
            : "");
    if (page.scrollWidth > width) {
        const wide = [...document.body.querySelectorAll("*")]
            .filter((el) => el.getBoundingClientRect().right > width + 1)
            .slice(-3)
            .map((el) => describe(el) + " " + JSON.stringify(
                el.outerHTML.slice(0, 160)));
        throw new Error(
            `the page scrolls sideways: ${page.scrollWidth}px on a ${width}px ` +
            `screen; too wide: ${wide.join(", ")}`
        );
    }
    const boxes = [...document.body.querySelectorAll("*")].filter((el) => {
        const overflow = getComputedStyle(el).overflowX;
        return (
            (overflow === "auto" || overflow === "scroll") &&
            el.scrollWidth > el.clientWidth + 1 &&
            el.offsetParent !== null
        );
    });
    if (boxes.length) {
        const cut = (box) => {
            const right = box.getBoundingClientRect().right;
            return [...box.querySelectorAll("th, td")]
                .filter((cell) => cell.getBoundingClientRect().right > right + 1)
                .slice(0, 4)
                .map((cell) => cell.textContent.trim().replace(/\\s+/g, " "))
                .map((text) => JSON.stringify(text.slice(0, 40)));
        };
        throw new Error(
            "a box of the page scrolls sideways: " +
            boxes.map((el) =>
                `${describe(el)} (${el.scrollWidth}px in ${el.clientWidth}px; ` +
                `cut off: ${cut(el).join(", ")})`
            ).join("; ")
        );
    }
    const selector = %(selector)s;
    if (selector) {
        const action = document.querySelector(selector);
        if (!action || action.offsetParent === null) {
            throw new Error(`main action ${selector} is not on the page`);
        }
        action.scrollIntoView({ block: "center", inline: "nearest" });
        const box = action.getBoundingClientRect();
        if (
            box.width === 0 || box.left < 0 || box.right > width ||
            box.top < 0 || box.bottom > window.innerHeight
        ) {
            throw new Error(
                `main action ${selector} is cut off: ${JSON.stringify(box)}`
            );
        }
    }
    console.log("test successful");
})();
"""


class PhoneCase:
    """Mixin for an ``HttpCase``: :meth:`assert_reads_on_phone`."""

    browser_size = PHONE_SIZE
    touch_enabled = True

    @staticmethod
    def _phone_code(main_action):
        return PHONE_CHECK % {"selector": json.dumps(main_action)}

    def assert_reads_on_phone(self, url, login, main_action=None):
        """``url`` read by ``login`` (password = login) on a phone: no
        sideways scrolling; ``main_action``, a CSS selector, on screen."""
        self.browser_js(url, self._phone_code(main_action), login=login, timeout=60)
