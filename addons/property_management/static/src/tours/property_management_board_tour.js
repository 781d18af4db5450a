import { registry } from "@web/core/registry";

// The back office's boards open as new records computed with the form
// (tests/test_board_tours.py): the lines are there without saving, and a
// line's button works although the line had no id when it was pressed.
const AGENT = "Board Tour Agent";

registry.category("web_tour.tours").add("property_management_morning_meeting_tour", {
    steps: () => [
        {
            content: "The board's lines come with the form",
            trigger: `.o_field_widget[name=line_ids] .o_data_row:contains('${AGENT}')`,
        },
        {
            content: "Open the agent's open items",
            trigger: `.o_field_widget[name=line_ids] .o_data_row:contains('${AGENT}') button:contains('Open Items')`,
            run: "click",
        },
        {
            content: "The items are listed",
            trigger: `.o_breadcrumb:contains('Open items of ${AGENT}')`,
        },
        {
            content: "The agent's open item is there",
            trigger: ".o_list_view .o_data_row:contains('Board tour: lift stuck')",
        },
    ],
});

registry.category("web_tour.tours").add("property_management_dashboard_tour", {
    steps: () => [
        {
            content: "The five KPIs come with the form",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:nth-child(5)",
        },
        {
            content: "Show the trend of the collection rate",
            trigger:
                ".o_field_widget[name=line_ids] .o_data_row:contains('Property-Fee Collection Rate') button:contains('Trend')",
            run: "click",
        },
        {
            content: "The trend chart of that KPI opens",
            trigger: ".o_breadcrumb:contains('Trend of Property-Fee Collection Rate')",
        },
        {
            content: "in a graph",
            trigger: ".o_graph_view",
        },
    ],
});
