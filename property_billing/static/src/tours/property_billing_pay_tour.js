import { registry } from "@web/core/registry";

// The tenant opens a bill from "My Property Bills", and pays it online on
// the invoice page with Odoo's demo payment provider (prepared by the
// Python test TestPortalPayTour).
registry.category("web_tour.tours").add("property_billing_pay_tour", {
    url: "/my/property-bills",
    steps: () => [
        {
            content: "The bill shows its fee item breakdown",
            trigger: "tr.o_property_bill_line td.o_property_line_item:contains('Test Management Fee')",
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
            content: "Enter the (test) card details",
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
            // the payment status page checks the payment, then goes back to
            // the bill
            content: "Back on the bill, it is paid",
            trigger: "div.badge.text-bg-success:contains('Paid')",
        },
    ],
});
