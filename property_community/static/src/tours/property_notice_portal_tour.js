import { registry } from "@web/core/registry";

// The tenant opens the notices from the portal home, reads an important
// notice of their building (which records the read receipt) and finds its
// file. Prepared by the Python test (TestNoticePortal).
registry.category("web_tour.tours").add("property_notice_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open the notices from the portal home",
            trigger: "a[href='/my/notices']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The unread important notice is flagged",
            trigger: "tr.o_property_notice_row .o_property_notice_unread",
        },
        {
            content: "Open the notice of the water cut",
            trigger: "tr.o_property_notice_row a:contains('Tour: water cut in tower A')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Its content is shown",
            trigger: ".o_property_notice_body:contains('Tour: water cut in tower A: body')",
        },
        {
            content: "Its file can be downloaded",
            trigger: ".o_property_notice_files a:contains('timetable.pdf')",
        },
        {
            content: "Back to the list",
            trigger: ".breadcrumb a[href='/my/notices']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The notice is no longer flagged as unread",
            trigger: "tr.o_property_notice_row:not(:has(.o_property_notice_unread))",
        },
    ],
});
