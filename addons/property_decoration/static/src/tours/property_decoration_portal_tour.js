import { registry } from "@web/core/registry";

// A one-page PDF: the drawing the tenant uploads with the application.
const DRAWING_PDF = [
    "%PDF-1.4",
    "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj",
    "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj",
    "trailer << /Root 1 0 R >>",
    "%%EOF",
].join("\n");

// Tour A of the walk from application to permit: the tenant applies for a
// decoration from the portal home (contractor, a worker, dates, a drawing,
// the undertakings), then sees it submitted with its steps.  The Python test
// (TestPortal) prepares the tenant's archive of unit D-0101 and checks the
// record afterwards.
registry.category("web_tour.tours").add("property_decoration_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open My Decorations from the portal home",
            trigger: "a[href='/my/decorations']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Apply for a decoration",
            trigger: "a.o_property_decoration_apply",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "For the tenant's own unit",
            trigger: "form#o_property_decoration_form select[name='occupancy_id']",
            run: "selectByLabel D-0101",
        },
        {
            content: "The contractor",
            trigger: "form#o_property_decoration_form input[name='contractor_name']",
            run: "edit Tour Builders Ltd",
        },
        {
            content: "Its person in charge",
            trigger: "form#o_property_decoration_form input[name='contractor_person']",
            run: "edit Zhao Gang",
        },
        {
            content: "And phone",
            trigger: "form#o_property_decoration_form input[name='contractor_phone']",
            run: "edit 139 0000 0002",
        },
        {
            content: "A worker",
            trigger: "form#o_property_decoration_form input[name='worker_name_1']",
            run: "edit Sun Qiang",
        },
        {
            content: "The last digits of the worker's ID",
            trigger: "form#o_property_decoration_form input[name='worker_id_1']",
            run: "edit 123X",
        },
        {
            content: "The scope of the works",
            trigger: "form#o_property_decoration_form textarea[name='scope']",
            run: "edit Tour: new floor tiles in the living room",
        },
        {
            content: "The area",
            trigger: "form#o_property_decoration_form input[name='area']",
            run: "edit 45",
        },
        {
            content: "Planned start",
            trigger: "form#o_property_decoration_form input[name='date_start']",
            run(helpers) {
                helpers.anchor.value = "2027-04-01";
                helpers.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Planned end",
            trigger: "form#o_property_decoration_form input[name='date_end']",
            run(helpers) {
                helpers.anchor.value = "2027-04-30";
                helpers.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Upload a drawing",
            trigger: "form#o_property_decoration_form input[type='file'][name='drawings']",
            run(helpers) {
                const input = helpers.anchor;
                const drawing = new File([DRAWING_PDF], "living_room_tiles.pdf", {
                    type: "application/pdf",
                });
                const dataTransfer = new DataTransfer();
                dataTransfer.items.add(drawing);
                input.files = dataTransfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Accept the undertakings",
            trigger: "form#o_property_decoration_form input[name='undertaking']",
            run: "check",
        },
        {
            content: "Submit the application",
            trigger: "form#o_property_decoration_form button.o_property_decoration_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The application is confirmed as submitted",
            trigger: ".alert-success:contains('Your application is submitted')",
        },
        {
            content: "The uploaded drawing is listed with the application",
            trigger: ".o_property_decoration_drawings li:contains('living_room_tiles.pdf')",
        },
        {
            content: "The application is submitted and its steps are shown",
            trigger: ".o_property_decoration_steps li.fw-bold:contains('Submitted')",
        },
    ],
});

