from odoo import fields, models

from ..upload import DEFAULT_MAX_FILES, DEFAULT_MAX_MEGAPIXELS, DEFAULT_MAX_SIZE_MB


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    property_upload_max_files = fields.Integer(
        string="Files per portal form",
        config_parameter="property_tenant.upload_max_files",
        default=DEFAULT_MAX_FILES,
        help="How many files a tenant may attach to one portal form.",
    )
    property_upload_max_size_mb = fields.Integer(
        string="Size of a portal file (MB)",
        config_parameter="property_tenant.upload_max_size_mb",
        default=DEFAULT_MAX_SIZE_MB,
        help="The largest file a tenant may upload through the portal.",
    )
    property_upload_max_megapixels = fields.Integer(
        string="Pixels of a portal image (millions)",
        config_parameter="property_tenant.upload_max_megapixels",
        default=DEFAULT_MAX_MEGAPIXELS,
        help="Larger images are refused (decompression bombs).",
    )
