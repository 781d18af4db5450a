import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("property_tenant_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open My Units from the portal home",
            trigger: "a[href='/my/units']",
            run: "click",
        },
        {
            content: "The tenant's unit is listed",
            trigger: "tr.o_property_unit_row a:contains('C-0301')",
            run: "click",
        },
        {
            content: "The household is shown",
            trigger: ".o_property_members td:contains('Li Xiaoming')",
        },
        {
            content: "The shared contract can be downloaded",
            trigger: ".o_property_documents a:contains('scan.pdf')",
        },
        {
            content: "Back to the list through the breadcrumb",
            trigger: ".breadcrumb a[href='/my/units']",
            run: "click",
        },
        {
            content: "Only the tenant's own unit is listed",
            trigger: "tr.o_property_unit_row:not(:contains('C-0302'))",
        },
    ],
});
