import { registry } from "@web/core/registry";

// The steps of paying one fee of the decoration from its page: the pay link
// opens the invoice, paid with Odoo's demo payment provider, back on the
// invoice once the payment is checked.
function payFee(amount) {
    const fee = `.o_property_decoration_fees .list-group-item:contains('${amount}')`;
    return [
        {
            content: `Pay the fee of ${amount} from the decoration page`,
            trigger: `${fee} a.o_property_decoration_pay`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: `The invoice of ${amount} opens: pay it now`,
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
            // the invoice
            content: `Back on the invoice of ${amount}, it is paid`,
            trigger: "div.badge.text-bg-success:contains('Paid')",
        },
        {
            content: "Return to My Decorations",
            trigger: "body",
            run: "goToUrl /my/decorations",
            expectUnloadPage: true,
        },
        {
            content: "Open the decoration again",
            trigger: ".o_property_decoration_list a:contains('D-0101')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: `The fee of ${amount} has no pay link any more`,
            trigger: `${fee}:not(:has(a.o_property_decoration_pay))`,
        },
    ];
}

// Tour B of the walk from application to permit: engineering reviewed and
// the supervisor approved the application (in Python); the tenant follows
// it to the step "Fees Due", sees the amounts, and pays each fee online.
registry.category("web_tour.tours").add("property_decoration_portal_pay_tour", {
    url: "/my/decorations",
    steps: () => [
        {
            content: "Open the decoration of unit D-0101",
            trigger: ".o_property_decoration_list a:contains('D-0101')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The current step is the fees",
            trigger: ".o_property_decoration_steps li.fw-bold:contains('Fees Due')",
        },
        {
            content: "The review is done",
            trigger: ".o_property_decoration_steps li:contains('Engineering Review') .fa-check",
        },
        {
            content: "The management fee (45 m² at 5.00) is due",
            trigger: ".o_property_decoration_fees .list-group-item:contains('225.00'):has(a.o_property_decoration_pay)",
        },
        {
            content: "The deposit is due",
            trigger: ".o_property_decoration_fees .list-group-item:contains('3,000.00'):has(a.o_property_decoration_pay)",
        },
        ...payFee("225.00"),
        {
            content: "One fee left: still at the step of the fees",
            trigger: ".o_property_decoration_steps li.fw-bold:contains('Fees Due')",
        },
        ...payFee("3,000.00"),
    ],
});
