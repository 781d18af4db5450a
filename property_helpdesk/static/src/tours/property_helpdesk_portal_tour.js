import { waitUntil } from "@odoo/hoot-dom";
import { registry } from "@web/core/registry";

// A 1x1 PNG: the tenant's photo of the problem (sound chunks: the portal
// has Pillow verify uploaded images).
const PHOTO_PNG =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC";

// The tenant registers a request with a photo, then rates and signs the
// work order of an item prepared by the Python test (TestPortal).
registry.category("web_tour.tours").add("property_helpdesk_portal_tour", {
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
            content: "It is a service request",
            trigger: "form#o_property_request_form select[name='kind']",
            run: "select service",
        },
        {
            content: "For the tenant's own unit",
            trigger: "form#o_property_request_form select[name='unit_id']",
            run: "selectByLabel T-0101",
        },
        {
            content: "Say what it is about",
            trigger: "form#o_property_request_form input[name='summary']",
            run: "edit Tour: dripping bathroom tap",
        },
        {
            content: "Give the details",
            trigger: "form#o_property_request_form textarea[name='description']",
            run: "edit The tap drips all night. Mornings are fine for a visit.",
        },
        {
            content: "Attach a photo",
            trigger: "form#o_property_request_form input[name='photos']",
            async run(helpers) {
                const input = helpers.anchor;
                const blob = await (await fetch(`data:image/png;base64,${PHOTO_PNG}`)).blob();
                const dataTransfer = new DataTransfer();
                dataTransfer.items.add(new File([blob], "tap.png", { type: "image/png" }));
                input.files = dataTransfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Send the request",
            trigger: "form#o_property_request_form button.o_property_request_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The request is registered",
            trigger: ".o_property_request_detail .o_property_request_message",
        },
        {
            content: "With its subject and state",
            trigger:
                ".o_property_request_detail h3:contains('Tour: dripping bathroom tap') ~ .o_property_request_state[data-state='new']",
        },
        {
            content: "And its photo",
            trigger: ".o_property_request_photos img.img-thumbnail",
        },
        {
            content: "Back to the list",
            trigger: ".breadcrumb a[href='/my/requests']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the item whose work is being done",
            trigger: "tr.o_property_request_row:contains('Tour: leaking kitchen pipe') a",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the work order to sign it",
            trigger: "a.o_property_work_order_sign_link",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Very satisfied",
            trigger: "form.o_property_work_order_rate_form label.o_property_satisfaction_5",
            run: "click",
        },
        {
            content: "Write a comment",
            trigger: "form.o_property_work_order_rate_form textarea[name='comment']",
            run: "edit Quick and clean work, thank you.",
        },
        {
            content: "Go on to the signature",
            trigger: "form.o_property_work_order_rate_form button.o_property_work_order_rate_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The rating is recorded",
            trigger: ".o_property_work_order_signoff:contains('Quick and clean work')",
        },
        {
            content: "Open the signature pad",
            trigger: "a.o_property_work_order_sign_button",
            run: "click",
        },
        {
            content: "The name is filled in",
            trigger: ".modal .o_web_sign_name_and_signature input:value(Li Na)",
        },
        {
            content: "The signature is drawn from the name",
            trigger: ".modal canvas.o_web_sign_signature",
            async run(helpers) {
                await waitUntil(() => {
                    const canvas = helpers.anchor;
                    const context = canvas.getContext("2d");
                    const imageData = context.getImageData(0, 0, canvas.width, canvas.height);
                    return new Uint32Array(imageData.data.buffer).some((pixel) => pixel !== 0);
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
            content: "The sign-off is confirmed",
            trigger: ".o_property_work_order_message",
        },
        {
            content: "The signature is shown on the work order",
            trigger: ".o_property_work_order_signoff img.o_property_work_order_signature",
        },
    ],
});
