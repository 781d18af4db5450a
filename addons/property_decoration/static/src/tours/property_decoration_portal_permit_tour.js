import { registry } from "@web/core/registry";

// Tour C of the walk from application to permit: every fee is paid, the
// permit is issued; the tenant sees it in the list, on the decoration's steps,
// and finds the link to download it.
registry.category("web_tour.tours").add("property_decoration_portal_permit_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open My Decorations from the portal home",
            trigger: "a[href='/my/decorations']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The list shows the permit issued",
            trigger: ".o_property_decoration_list a:contains('D-0101') .badge:contains('Permit Issued')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The current step is the permit",
            trigger: ".o_property_decoration_steps li.fw-bold:contains('Permit Issued')",
        },
        {
            content: "The fees step is done",
            trigger: ".o_property_decoration_steps li:contains('Fees Due') .fa-check",
        },
        {
            content: "No fee is left to pay",
            trigger: ".o_property_decoration_fees:not(:has(a.o_property_decoration_pay))",
        },
        {
            content: "The permit can be downloaded from this decoration's permit route",
            trigger: "a.o_property_decoration_permit:contains('Download the Permit')",
            run(helpers) {
                const link = new URL(helpers.anchor.href);
                const expected = `${window.location.pathname}/permit`;
                if (link.pathname !== expected) {
                    throw new Error(`the permit link goes to ${link.pathname}, not ${expected}`);
                }
            },
        },
    ],
});
