{
    "name": "Property Decoration",
    "summary": "Decoration (装修手续): application, engineering review, fees and "
    "deposit, permit with QR code, inspections, violations, extensions, "
    "acceptance and deposit refund, filed in the tenant archive",
    "version": "18.0.1.0.0",
    "category": "Services/Property",
    "website": "https://github.com/wanjia-property/property-suite",
    "author": "Wanjia Property Suite",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["property_helpdesk", "property_billing", "portal"],
    "data": [
        "security/ir.model.access.csv",
        "security/property_decoration_security.xml",
        "data/ir_sequence_data.xml",
        "data/property_decoration_check_item_data.xml",
        "data/property_document_type_data.xml",
        "data/mail_template_data.xml",
        "report/property_decoration_report.xml",
        "views/property_decoration_check_item_views.xml",
        "views/property_decoration_inspection_views.xml",
        "views/property_decoration_violation_views.xml",
        "views/property_decoration_extension_views.xml",
        "views/property_decoration_views.xml",
        "views/res_config_settings_views.xml",
        "views/property_decoration_templates.xml",
        "views/property_decoration_menus.xml",
    ],
    "demo": [
        "demo/property_decoration_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "property_decoration/static/src/tours/*.js",
        ],
    },
    "pre_init_hook": "pre_init_hook",
    "uninstall_hook": "uninstall_hook",
}
