"""What the xlsx exports of the fee app share."""

import base64

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_action(record, filename, content):
    """An action downloading ``content`` (xlsx bytes) as ``filename``, kept
    as an attachment of ``record`` so that what was exported stays on it."""
    attachment = record.env["ir.attachment"].create(
        {
            "name": filename,
            "datas": base64.b64encode(content),
            "res_model": record._name,
            "res_id": record.id,
            "mimetype": XLSX_MIMETYPE,
        }
    )
    return {
        "type": "ir.actions.act_url",
        "target": "self",
        "url": f"/web/content/{attachment.id}?download=true",
    }
