import { registry } from "@web/core/registry";

// Fails when the page scrolls sideways or the element is off screen.
function checkFitsScreen(element) {
    const width = window.innerWidth;
    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth > width) {
        throw new Error(`The page scrolls sideways: ${scrollWidth}px wide for ${width}px`);
    }
    const box = element.getBoundingClientRect();
    if (box.left < 0 || box.right > width) {
        throw new Error(`${element.outerHTML.slice(0, 80)} is off screen`);
    }
}

// A tenant scans the QR label of a lift with a phone (TestScanPhone): the
// request form opens with the place filled in, and fits a 390 px screen.
registry.category("web_tour.tours").add("property_helpdesk_scan_portal_tour", {
    steps: () => [
        {
            content: "The place of the label is filled in",
            trigger: "form#o_property_request_form .o_property_request_spot:contains(Lift 2)",
            run() {
                checkFitsScreen(this.anchor);
            },
        },
        {
            content: "Say what it is about",
            trigger: "form#o_property_request_form input[name='summary']",
            run: "edit Tour: lobby door stuck",
        },
        {
            content: "Send is on screen, without scrolling sideways",
            trigger: "form#o_property_request_form button.o_property_request_submit",
            run(helpers) {
                checkFitsScreen(this.anchor);
                return helpers.click();
            },
            expectUnloadPage: true,
        },
        {
            content: "The request is registered, the place shown",
            trigger: ".o_property_request_detail .o_property_request_message",
        },
        {
            content: "The detail page fits the phone too",
            trigger: ".o_property_request_info td:contains(Lift 2)",
            run() {
                checkFitsScreen(this.anchor);
            },
        },
    ],
});

// Staff on patrol scan the same label (TestScanRoute): a new item opens in
// the back office, channel patrol and the place filled in.
registry.category("web_tour.tours").add("property_helpdesk_scan_patrol_tour", {
    steps: () => [
        {
            content: "The spot of the label is filled in",
            trigger: ".o_form_view .o_field_widget[name='spot_id'] input:value(Lift 2, Tower A)",
        },
        {
            content: "And its site",
            trigger: ".o_form_view .o_field_widget[name='site_id'] input:value(Test Plaza)",
        },
        {
            content: "Say what was found",
            trigger: ".o_form_view .o_field_widget[name='summary'] input",
            run: "edit Tour: lift light flickers",
        },
        {
            content: "Save the item",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "It is saved",
            trigger: ".o_form_view .o_form_saved",
        },
    ],
});
