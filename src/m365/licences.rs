//! The Microsoft 365 licences that include Dynamics 365 Sales, from Microsoft's "Product names and service
//! plan identifiers for licensing" (MicrosoftDocs/entra-docs, docs/identity/users/licensing-service-plan-reference.md,
//! updated 2025-10-29): every product whose service plans include a Sales plan (DYN365_ENTERPRISE_SALES,
//! DYN365_ENTERPRISE_P1, DYN365_SALES_PRO, the attach, government and trial plans). Team-member licences
//! are not among them: they give the Sales Team Member app only.

/// One product: its skuPartNumber, its skuId and its English product names (the licensing reference's and
/// the admin center's).
pub struct SalesLicence {
    pub sku: &'static str,
    pub sku_id: &'static str,
    pub names: &'static [&'static str],
}

pub static SALES_LICENCES: &[SalesLicence] = &[
    SalesLicence {
        sku: "DYN365_ENTERPRISE_SALES",
        sku_id: "1e1a282c-9c54-43a2-9310-98ef728faace",
        names: &[
            "Dynamics 365 for Sales Enterprise Edition",
            "Dynamics 365 Sales Enterprise Edition",
            "Dynamics 365 Sales Enterprise",
        ],
    },
    SalesLicence {
        sku: "DYN365_ENTERPRISE_PLAN1",
        sku_id: "ea126fc5-a19e-42e2-a731-da9d437bffcf",
        names: &[
            "Dynamics 365 Plan 1 Enterprise Edition",
            "Dynamics 365 Customer Engagement Plan",
            "Dynamics 365 Customer Engagement Plan Enterprise Edition",
        ],
    },
    SalesLicence {
        sku: "DYN365_SALES_PREMIUM",
        sku_id: "2edaa1dc-966d-4475-93d6-8ee8dfd96877",
        names: &["Dynamics 365 Sales Premium"],
    },
    SalesLicence {
        sku: "D365_SALES_PRO",
        sku_id: "be9f9771-1c64-4618-9907-244325141096",
        names: &[
            "Dynamics 365 for Sales Professional",
            "Dynamics 365 Sales Professional",
        ],
    },
    SalesLicence {
        sku: "DYN365_ENTERPRISE_SALES_CUSTOMERSERVICE",
        sku_id: "8edc2cf8-6438-4fa9-b6e3-aa1660c640cc",
        names: &["Dynamics 365 for Sales and Customer Service Enterprise Edition"],
    },
    SalesLicence {
        sku: "Dynamics_365_Multi_app_",
        sku_id: "6c75fb1b-61f2-42d0-b1b8-6492ca9ae159",
        names: &["Dynamics 365 Multi-app"],
    },
    SalesLicence {
        sku: "Dynamics_365_Sales_Field_Service_and_Customer_Service_Partner_Sandbox",
        sku_id: "494721b8-1f30-4315-aba6-70ca169358d9",
        names: &["Dynamics 365 Sales, Field Service and Customer Service Partner Sandbox"],
    },
    SalesLicence {
        sku: "DYN365_ENTERPRISE_RELATIONSHIP_SALES",
        sku_id: "4f05b1a3-a978-462c-b93f-781c6bee998f",
        names: &["Microsoft Relationship Sales solution"],
    },
    SalesLicence {
        sku: "D365_SALES_ENT_ATTACH",
        sku_id: "5b22585d-1b71-4c6b-b6ec-160b1a9c2323",
        names: &["Dynamics 365 Sales Enterprise Attach to Qualifying Dynamics 365 Base Offer"],
    },
    SalesLicence {
        sku: "D365_SALES_PRO_ATTACH",
        sku_id: "245e6bf9-411e-481e-8611-5c08595e2988",
        names: &[
            "Dynamics 365 for Sales Professional Attach to Qualifying Dynamics 365 Base Offer",
            "Dynamics 365 Sales Professional Attach to Qualifying Dynamics 365 Base Offer",
        ],
    },
    SalesLicence {
        sku: "DYN365_ENTERPRISE_SALES_GOV",
        sku_id: "28b275ce-aec7-4c26-82e2-1ffbc2746ad4",
        names: &["Dynamics 365 for Sales, Enterprise Edition for Government"],
    },
    SalesLicence {
        sku: "D365_ENTERPRISE_SALES_GOV",
        sku_id: "e85b3345-2fd5-45cf-a196-7968d3e18e56",
        names: &["Dynamics 365 for Sales Enterprise for Government"],
    },
    SalesLicence {
        sku: "D365_SALES_PRO_GOV",
        sku_id: "229fa362-9d30-4dbc-8110-21b77a7f9b26",
        names: &["Dynamics 365 for Sales Professional for Government"],
    },
    SalesLicence {
        sku: "Dynamics_365_Sales_Premium_Viral_Trial",
        sku_id: "6ec92958-3cc1-49db-95bd-bc6b3798df71",
        names: &["Dynamics 365 Sales Premium Viral Trial"],
    },
    SalesLicence {
        sku: "D365_SALES_PRO_IW",
        sku_id: "9c7bff7a-3715-4da7-88d3-07f57f8d0fb6",
        names: &[
            "Dynamics 365 for Sales Professional Trial",
            "Dynamics 365 Sales Professional Trial",
        ],
    },
    SalesLicence {
        sku: "DYN365_ENTERPRISE_P1_IW",
        sku_id: "338148b6-1b11-4102-afb9-f92b6cdc0f8d",
        names: &["Dynamics 365 P1 Trial for Information Workers"],
    },
];

/// Whether a header key (see `header_key`) and its squeezed form agree: "DYN365_ENTERPRISE_SALES" and
/// "dyn365enterprisesales" are one.
fn squeeze(text: &str) -> String {
    crate::bc::fields::header_key(text)
}

/// The Sales licence one entry of an export's licence list is: a skuPartNumber (also as
/// `tenant:SKU`), a skuId, or an English product name.
pub fn sales_licence(entry: &str) -> Option<&'static SalesLicence> {
    let entry = entry.trim();
    if entry.is_empty() {
        return None;
    }
    // "contoso:DYN365_ENTERPRISE_SALES", the AccountSkuId form.
    let sku = entry.rsplit_once(':').map_or(entry, |(_, sku)| sku);
    let key = squeeze(sku);
    let whole = squeeze(entry);
    SALES_LICENCES.iter().find(|l| {
        squeeze(l.sku) == key
            || l.sku_id.eq_ignore_ascii_case(entry)
            || l.names.iter().any(|n| squeeze(n) == whole)
    })
}

/// The product name the admin center shows for a Sales licence (skuPartNumber): the current, shortest
/// of its names ("Dynamics 365 Sales Enterprise" for DYN365_ENTERPRISE_SALES).
pub fn product_name(sku: &str) -> Option<&'static str> {
    let licence = SALES_LICENCES
        .iter()
        .find(|l| l.sku.eq_ignore_ascii_case(sku))?;
    licence.names.iter().copied().min_by_key(|n| n.len())
}

/// Whether a licence (skuPartNumber) named on the command line is one that includes Sales.
pub fn is_sales_sku(sku: &str) -> bool {
    SALES_LICENCES
        .iter()
        .any(|l| l.sku.eq_ignore_ascii_case(sku))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_an_export_names_a_licence_in_is_recognised() {
        let sku = |entry| sales_licence(entry).map(|l| l.sku);
        assert_eq!(
            sku("contoso:DYN365_ENTERPRISE_PLAN1"),
            Some("DYN365_ENTERPRISE_PLAN1")
        );
        assert_eq!(sku("D365_SALES_PRO"), Some("D365_SALES_PRO"));
        assert_eq!(
            sku("1E1A282C-9C54-43A2-9310-98EF728FAACE"),
            Some("DYN365_ENTERPRISE_SALES")
        );
        assert_eq!(
            sku("Dynamics 365 Sales Premium"),
            Some("DYN365_SALES_PREMIUM")
        );
        assert_eq!(sku("DYN365_TEAM_MEMBERS"), None);
        assert_eq!(sku("Microsoft 365 E5"), None);
        assert!(is_sales_sku("dyn365_enterprise_sales"));
        assert_eq!(
            product_name("DYN365_ENTERPRISE_SALES"),
            Some("Dynamics 365 Sales Enterprise")
        );
        assert_eq!(
            product_name("D365_SALES_PRO"),
            Some("Dynamics 365 Sales Professional")
        );
    }
}
