import { registry } from "@web/core/registry";

// The tenant registers herself, her child and her father for the upcoming
// event prepared by the Python test (TestEventPortal), sees their QR codes,
// then cancels her father's registration.
registry.category("web_tour.tours").add("property_community_event_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open Community Events from the portal home",
            trigger: "a[href='/my/events']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the upcoming event",
            trigger: "tr.o_property_event_row a:contains('Tour lantern evening')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Register myself",
            trigger: "form.o_property_event_register_form input[value='tenant']",
            run: "check",
        },
        {
            content: "Register my child",
            trigger: "form.o_property_event_register_form label:contains('Li Xiaohong')",
            run: "click",
        },
        {
            content: "Register my father",
            trigger: "form.o_property_event_register_form label:contains('Li Daye')",
            run: "click",
        },
        {
            content: "Send the registration",
            trigger: "form.o_property_event_register_form button.o_property_event_register_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The registration is confirmed",
            trigger: ".o_property_event_detail .o_property_event_message",
        },
        {
            content: "Each attendee has a QR code",
            trigger: ".o_property_event_registration:contains('Li Xiaohong') img.o_property_event_qr",
        },
        {
            content: "Cancel my father's registration",
            trigger: ".o_property_event_registration:contains('Li Daye') button.o_property_event_cancel",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The cancellation is confirmed",
            trigger: ".o_property_event_message:contains('cancelled')",
        },
        {
            content: "My father's registration shows as cancelled",
            trigger:
                ".o_property_event_registration:contains('Li Daye') .o_property_event_registration_state[data-state='cancel']",
        },
        {
            content: "I can register him again",
            trigger: "form.o_property_event_register_form label:contains('Li Daye')",
        },
    ],
});
