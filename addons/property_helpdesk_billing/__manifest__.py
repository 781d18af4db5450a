{
    "name": "Property Paid Services Billing",
    "summary": "Paid services (特约服务): price list, quotes accepted and signed "
    "by the tenant, billed on the next bill or at once; work order costs on "
    "the site's analytic account",
    "version": "18.0.1.0.0",
    "category": "Services/Property",
    "website": "https://github.com/wanjia-property/property-suite",
    "author": "Wanjia Property Suite",
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["property_helpdesk", "property_billing"],
    "data": [
        "security/ir.model.access.csv",
        "security/property_helpdesk_billing_security.xml",
        "data/property_fee_item_data.xml",
        "views/property_paid_service_views.xml",
        "views/property_work_order_views.xml",
        "views/property_site_views.xml",
        "views/property_department_views.xml",
        "views/res_config_settings_views.xml",
        "views/property_work_order_templates.xml",
        "views/property_helpdesk_billing_menus.xml",
    ],
    "demo": [
        "demo/property_paid_service_demo.xml",
    ],
    "pre_init_hook": "pre_init_hook",
    "uninstall_hook": "uninstall_hook",
}
