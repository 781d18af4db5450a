import { waitUntil } from "@odoo/hoot-dom";
import { registry } from "@web/core/registry";

// The tenant's side of the seed's whole loop (tests/test_whole_loop.py):
// three visits to the portal, with the back office working in between.
const SUMMARY = "Loop: water leaking through the bathroom ceiling";

function openComplaint() {
    return [
        {
            content: "Open My Requests from the portal home",
            trigger: "a[href='/my/requests']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the complaint",
            trigger: `tr.o_property_request_row:contains('${SUMMARY}') a`,
            run: "click",
            expectUnloadPage: true,
        },
    ];
}

// 1. The tenant raises a complaint.
registry.category("web_tour.tours").add("property_management_loop_complaint_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open My Requests from the portal home",
            trigger: "a[href='/my/requests']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Start a new request",
            trigger: "a.o_property_request_new_button",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "It is a complaint",
            trigger: "form#o_property_request_form select[name='kind']",
            run: "select complaint",
        },
        {
            content: "About the tenant's own unit",
            trigger: "form#o_property_request_form select[name='unit_id']",
            run: "selectByLabel T-LG-101",
        },
        {
            content: "Say what it is about",
            trigger: "form#o_property_request_form input[name='summary']",
            run: `edit ${SUMMARY}`,
        },
        {
            content: "Give the details",
            trigger: "form#o_property_request_form textarea[name='description']",
            run: "edit It was repaired last month and it leaks again.",
        },
        {
            content: "Send the complaint",
            trigger: "form#o_property_request_form button.o_property_request_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The complaint is registered",
            trigger: ".o_property_request_detail .o_property_request_message",
        },
        {
            content: "It waits for the service desk",
            trigger: `.o_property_request_detail h3:contains('${SUMMARY}') ~ .o_property_request_state[data-state='new']`,
        },
    ],
});

// 2. The technician has recorded the work: the tenant rates and signs.
registry.category("web_tour.tours").add("property_management_loop_signoff_tour", {
    url: "/my",
    steps: () => [
        ...openComplaint(),
        {
            content: "Open the work order to sign it",
            trigger: "a.o_property_work_order_sign_link",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Satisfied with the work",
            trigger: "form.o_property_work_order_rate_form label.o_property_satisfaction_4",
            run: "click",
        },
        {
            content: "Write a comment",
            trigger: "form.o_property_work_order_rate_form textarea[name='comment']",
            run: "edit The ceiling is dry for now.",
        },
        {
            content: "Go on to the signature",
            trigger: "form.o_property_work_order_rate_form button.o_property_work_order_rate_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the signature pad",
            trigger: "a.o_property_work_order_sign_button",
            run: "click",
        },
        {
            content: "The signature is drawn from the tenant's name",
            trigger: ".modal canvas.o_web_sign_signature",
            async run(helpers) {
                await waitUntil(() => {
                    const canvas = helpers.anchor;
                    const context = canvas.getContext("2d");
                    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
                    return new Uint32Array(pixels.data.buffer).some((pixel) => pixel !== 0);
                });
            },
        },
        {
            content: "Sign",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The work order is signed and completed",
            trigger: ".o_property_work_order_message",
        },
        {
            content: "It is done",
            trigger: ".o_property_work_order_state[data-state='done']",
        },
    ],
});

// 3. Second round done: the tenant answers the call-back online, then pays
// the month's bill with the demo payment provider.
registry.category("web_tour.tours").add("property_management_loop_callback_pay_tour", {
    url: "/my",
    steps: () => [
        ...openComplaint(),
        {
            content: "Satisfied this time",
            trigger: "form.o_property_callback_form label.o_property_satisfaction_5",
            run: "click",
        },
        {
            content: "Say so",
            trigger: "form.o_property_callback_form textarea[name='comment']",
            run: "edit Dry for two weeks now, thank you.",
        },
        {
            content: "Send the answer",
            trigger: "form.o_property_callback_form button.o_property_callback_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The complaint is closed",
            trigger: ".o_property_request_detail .o_property_request_state[data-state='closed']",
        },
        {
            content: "No call-back form any more",
            trigger: ".o_property_request_detail:not(:has(form.o_property_callback_form))",
        },
        {
            content: "Back to the portal home",
            trigger: ".o_portal_submenu a[href='/my/home']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open My Property Bills",
            trigger: "a[href='/my/property-bills']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The month's bill shows its fee",
            trigger: "tr.o_property_bill_line td.o_property_line_item:contains('Test Loop Management Fee')",
        },
        {
            content: "Open the bill",
            trigger: "a.o_property_bill_link",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Pay it now",
            trigger: "a[data-bs-target='#pay_with']",
            run: "click",
        },
        {
            content: "Choose the demo payment provider",
            trigger: "#pay_with input[name='o_payment_radio'][data-provider-code='demo']",
            run: "click",
        },
        {
            content: "Enter the (test) card number",
            trigger: "#pay_with input[name='customer_input']",
            run: "edit 4242 4242 4242 4242",
        },
        {
            content: "The demo payment succeeds",
            trigger: "#pay_with select#simulated_payment_state",
            run: "select done",
        },
        {
            content: "Pay",
            trigger: "#pay_with button[name='o_payment_submit_button']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back on the bill, it is paid",
            trigger: "div.badge.text-bg-success:contains('Paid')",
        },
    ],
});
