import { registry } from "@web/core/registry";
import { X2ManyField, x2ManyField } from "@web/views/fields/x2many/x2many_field";
import { ListRenderer } from "@web/views/list/list_renderer";

/**
 * The lines of a board (morning meeting, service targets) opened as a new
 * record: they come with the form and have no id yet.  A list of new lines
 * refuses their buttons ("save first"); a board's lines' buttons are
 * server actions that find the line again by its board and its key once
 * the form has saved the board (which the form does before any button), so
 * they run on new lines too.
 */
export class PropertyBoardLinesRenderer extends ListRenderer {
    static recordRowTemplate = "property_tenant.BoardLinesRenderer.RecordRow";
}

export class PropertyBoardLinesField extends X2ManyField {
    static components = { ...X2ManyField.components, ListRenderer: PropertyBoardLinesRenderer };
}

registry.category("fields").add("property_board_lines", {
    ...x2ManyField,
    component: PropertyBoardLinesField,
});
