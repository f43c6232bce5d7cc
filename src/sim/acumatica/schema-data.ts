// Generated from shared/reference/acumatica_default_swagger.json (Default/24.200.001) by a jq/node
// one-off: for the six entities the service uses and the linked/detail types they reach, every
// field as name:type. Types: s string, i int, b boolean, d date-time, g guid, n decimal, h short,
// l long, y byte, f double; >T a linked entity of type T, [T] a detail collection of T.
// Kept as compact strings so the simulator follows the contract without shipping the 2.5 MB spec.
export const ENTITY_SCHEMA_DATA: Readonly<Record<string, string>> = {
  Contact:
    'Active:b Activities:[ActivityDetail] Address:>Address OverrideAccountAddress:b AddressValidated:b Attention:s Attributes:[AttributeValue] BusinessAccount:s Campaigns:[CampaignDetail] Cases:[CaseDetail] CompanyName:s ContactClass:s ContactID:i ContactMethod:s ConvertedBy:s DateOfBirth:d DisplayName:s DoNotCall:b DoNotEmail:b DoNotFax:b DoNotMail:b Duplicate:s DuplicateFound:b Duplicates:[ContactDuplicateDetail] Email:s Fax:s FaxType:s FirstName:s Gender:s Image:s JobTitle:s LanguageOrLocale:s LastIncomingActivity:d LastModifiedDateTime:d LastName:s LastOutgoingActivity:d MaritalStatus:s MarketingLists:[MarketingListDetail] MiddleName:s NoMarketing:b NoMassMail:b Notifications:[ContactNotification] Opportunities:[OpportunityDetail] Owner:s OwnerEmployeeName:s ParentAccount:s Phone1:s Phone1Type:s Phone2:s Phone2Type:s Phone3:s Phone3Type:s QualificationDate:d Reason:s Relations:[RelationDetail] RoleAssignments:[BCRoleAssignment] Source:s SourceCampaign:s SpouseOrPartnerName:s Status:s Synchronize:b Title:s Type:s UserInfo:>ContactUserInfo WebSite:s Workgroup:s WorkgroupDescription:s NoteID:g FullName:s ExtRefNbr:s',
  Customer:
    'AccountRef:s ApplyOverdueCharges:b Attributes:[AttributeValue] AutoApplyPayments:b BAccountID:i BillingAddressOverride:b BillingContact:>Contact BillingContactOverride:b Contacts:[CustomerContact] CreatedDateTime:d CreditVerificationRules:>CreditVerificationRules CurrencyID:s CurrencyRateType:s CustomerClass:s CustomerID:s CustomerCategory:s CustomerName:s Email:s EnableCurrencyOverride:b EnableRateOverride:b EnableWriteOffs:b FOBPoint:s LastModifiedDateTime:d LeadTimedays:h LocationName:s MainContact:>Contact MultiCurrencyStatements:b OrderPriority:h ParentRecord:s PaymentInstructions:[BusinessAccountPaymentInstructionDetail] PriceClassID:s PrimaryContact:>Contact PrimaryContactID:i PrintDunningLetters:b PrintInvoices:b PrintStatements:b ResidentialDelivery:b Salespersons:[CustomerSalesPerson] SaturdayDelivery:b SendDunningLettersbyEmail:b SendInvoicesbyEmail:b SendStatementsbyEmail:b ShippingAddressOverride:b ShippingBranch:s ShippingContact:>Contact ShippingContactOverride:b ShippingRule:s ShippingTerms:s ShippingZoneID:s ShipVia:s StatementCycleID:s StatementType:s Status:s TaxRegistrationID:s TaxZone:s Terms:s WarehouseID:s WriteOffLimit:n RestrictVisibilityTo:s CreditLimit:n NoteID:g EntityUsageType:s TaxExemptionNumber:s IsGuestCustomer:b',
  Activity:
    'Body:s Date:d Internal:b NoteID:g Owner:s Status:s Summary:s Task:s TimeActivity:>TimeActivity Type:s Workgroup:s CreatedByID:s CreatedDateTime:d LastModifiedDateTime:d RelatedEntityType:s RelatedEntityNoteID:g RelatedEntityDescription:s',
  SalesOrder:
    'Approved:b BaseCurrencyID:s BillToAddress:>Address BillToAddressOverride:b BillToAddressValidated:b BillToContact:>DocContact BillToContactOverride:b Branch:s CashAccount:s Commissions:>Commissions ContactID:s ControlTotal:n CreditHold:b CurrencyID:s CurrencyRate:n CurrencyRateTypeID:s CustomerID:s CustomerOrder:s Date:d Description:s DestinationWarehouseID:s Details:[SalesOrderDetail] DisableAutomaticDiscountUpdate:b DisableAutomaticTaxCalculation:b DiscountDetails:[SalesOrdersDiscountDetails] EffectiveDate:d ExternalRef:s FinancialSettings:>FinancialSettings Hold:b IsTaxValid:b LastModified:d LocationID:s MaxRiskScore:n OrderedQty:n OrderNbr:s OrderRisks:[OrderRisks] OrderTotal:n OrderType:s PaymentMethod:s Payments:[SalesOrderPayment] PreferredWarehouseID:s Project:s ReciprocalRate:n Relations:[RelationDetail] RequestedOn:d Shipments:[SalesOrderShipment] ShippingSettings:>ShippingSettings ShipToAddress:>Address ShipToAddressOverride:b ShipToAddressValidated:b ShipToContact:>DocContact ShipToContactOverride:b ShipVia:s Status:s TaxDetails:[TaxDetail] TaxTotal:n Totals:>Totals VATExemptTotal:n VATTaxableTotal:n ExternalOrderOriginal:b ExternalRefundRef:s WillCall:b PaymentRef:s NoteID:g UsrExternalOrderOriginal:b ExternalOrderOrigin:s ExternalOrderSource:s TaxCalcMode:s CreatedDate:d',
  Shipment:
    'BaseCurrencyID:s ControlQty:n CreatedDateTime:d CurrencyRate:n CurrencyRateTypeID:s CurrencyViewState:b CustomerID:s CreateNewShipmentForEveryOrder:b Details:[ShipmentDetail] Description:s EffectiveDate:d FOBPoint:s OverrideFreightPrice:b FreightPrice:n FreightCost:n FreightCurrencyID:s GroundCollect:b Hold:b Insurance:b LastModifiedDateTime:d LocationID:s Operation:s Orders:[ShipmentOrderDetail] Owner:s PackageCount:i Packages:[ShipmentPackage] PackageWeight:n Picked:b ReciprocalRate:n ResidentialDelivery:b SaturdayDelivery:b ShipmentDate:d ShipmentNbr:s ShippedQty:n ShippedVolume:n ShippedWeight:n ShippingSettings:>ShipToSettings ShippingTerms:s ShippingZoneID:s ShipVia:s Status:s ToWarehouseID:s Type:s UnlimitedPackages:b UseCustomersAccount:b WarehouseID:s WorkgroupID:s NoteID:g',
  Invoice:
    'Amount:n ApplicationsCreditMemo:[InvoiceApplicationsCreditMemo] ApplicationsDefault:[InvoiceApplicationsDefault] Balance:n BillingPrinted:b BillToContact:>DocContact BillToContactOverride:b CreatedDateTime:d Customer:s CustomerOrder:s Date:d Description:s Details:[InvoiceDetail] DiscountDetails:[InvoiceDiscountDetail] DueDate:d Hold:b LastModifiedDateTime:d LinkARAccount:s LinkBranch:s LocationID:s PostPeriod:s Project:s ReferenceNbr:s Status:s ShipToContact:>DocContact ShipToContactOverride:b TaxDetails:[InvoiceTaxDetail] IsTaxValid:b TaxTotal:n Terms:s Type:s',
  ActivityDetail:
    'Billable:b Overtime:s BillableOvertime:s BillableTime:s Category:s CostCode:s CreatedDateTime:d LastModifiedDateTime:d CreatedByID:s NoteID:g Owner:s Project:s ProjectTask:s RefNoteID:g Released:b StartDate:d Status:s Summary:s TimeSpent:s Type:s WorkgroupID:s',
  Address: 'AddressLine1:s AddressLine2:s City:s Country:s PostalCode:s State:s Validated:b',
  AttributeValue:
    'AttributeID:s AttributeDescription:s IsActive:b RefNoteID:g Required:b Value:s ValueDescription:s',
  CampaignDetail: 'CampaignID:s CampaignName:s ContactID:i Stage:s',
  CaseDetail:
    'CaseID:s ClassID:s ClosingDate:d DateReported:d Estimation:s InitialResponse:s Owner:s Reason:s Severity:s Status:s Subject:s Workgroup:s',
  ContactDuplicateDetail:
    'BusinessAccount:s BusinessAccountName:s BusinessAccountType:s DisplayName:s Duplicate:s Email:s LastModifiedDate:d Type:s',
  MarketingListDetail: 'ContactID:i DynamicList:b Format:s ListName:s MarketingListID:i Subscribed:b',
  ContactNotification:
    'Active:b Bcc:b ClassID:s Description:s Format:s MailingID:s Module:s NotificationID:i Report:s Source:s',
  OpportunityDetail:
    'Currency:s DisplayName:s Estimation:d Owner:s Probability:i Stage:s Status:s Subject:s Total:n Workgroup:s',
  RelationDetail:
    'Account:s AddToCc:b ContactDisplayName:s ContactID:i Document:g DocumentTargetNoteIDDescription:s Email:s Name:s Primary:b RelationID:i Role:s Type:s DocumentDate:d',
  BCRoleAssignment:
    'RoleAssignmentID:i BAccountID:i ContactID:i LocationCD:s Role:s CreatedDateTime:d LastModifiedDateTime:d',
  ContactUserInfo: 'GeneratePassword:b Login:s Password:s Status:s UserType:s',
  CustomerContact: 'Contact:>Contact ContactID:i LastModifiedDateTime:d',
  CreditVerificationRules:
    'CreditDaysPastDue:h CreditLimit:n CreditVerification:s FirstDueDate:d OpenOrdersBalance:n RemainingCreditLimit:n UnreleasedBalance:n',
  BusinessAccountPaymentInstructionDetail:
    'Description:s LocationID:i PaymentInstructionsID:s PaymentMethod:s Value:s',
  CustomerSalesPerson: 'Commission:n Default:b LocationID:s LocationName:s Name:s SalespersonID:s',
  TimeActivity:
    'Approver:s Billable:b BillableOvertime:s BillableTime:s CostCode:s EarningType:s Overtime:s Project:s ProjectTask:s ReferenceNbr:s Released:b Status:s TimeSpent:s TrackTime:b',
  DocContact: 'Attention:s BusinessName:s Email:s Phone1:s',
  Commissions: 'DefaultSalesperson:s',
  SalesOrderDetail:
    'Account:s AlternateID:s Amount:n AutoCreateIssue:b AverageCost:n Branch:s CalculateDiscountsOnImport:b Commissionable:b Completed:b CostCode:s CustomerOrderNbr:s DiscountAmount:n DiscountCode:s DiscountedUnitPrice:n DiscountPercent:n ExtendedPrice:n FreeItem:b InventoryID:s InvoiceLineNbr:i InvoiceNbr:s InvoiceType:s LastModifiedDate:s LineDescription:s LineNbr:i LineType:s Location:s ManualDiscount:b MarkForPO:b OpenQty:n Operation:s OrderQty:n OvershipThreshold:n POSource:s ProjectTask:s PurchaseWarehouse:s VendorID:s QtyOnShipments:n ReasonCode:s RequestedOn:d SalespersonID:s SchedOrderDate:d ShipOn:d ShippingRule:s ShipToLocation:s Subitem:s TaxCategory:s TaxZone:s UnbilledAmount:n UndershipThreshold:n UnitCost:n UnitPrice:n UOM:s WarehouseID:s AssociatedOrderLineNbr:i GiftMessage:s ManualPrice:b LotSerialNbr:s NoteID:g ExternalRef:s',
  SalesOrdersDiscountDetails:
    'Description:s DiscountableAmount:n DiscountableQty:n DiscountAmount:n DiscountCode:s DiscountPercent:n ExternalDiscountCode:s FreeItem:s FreeItemQty:n ManualDiscount:b SequenceID:s SkipDiscount:b Type:s',
  FinancialSettings:
    'BillSeparately:b Branch:s CashDiscountDate:d CustomerTaxZone:s DueDate:d EntityUsageType:s InvoiceDate:d InvoiceNbr:s OriginalOrderNbr:s OriginalOrderType:s OverrideTaxZone:b Owner:s PostPeriod:s Terms:s',
  OrderRisks: 'Message:s Recommendation:s Score:n',
  SalesOrderPayment:
    'ApplicationDate:d AppliedToOrder:n Authorize:b Balance:n CardAccountNbr:s Capture:b CashAccount:s Currency:s Description:s DocType:s Hold:b LastModifiedDateTime:d OrigTransactionNbr:s PaymentAmount:n PaymentMethod:s PaymentRef:s ProcessingCenterID:s ReferenceNbr:s Refund:b SaveCard:b Status:s TransferredtoInvoice:n ValidateCCRefundOrigTransaction:b ExternalRef:s NoteID:g',
  SalesOrderShipment:
    'InventoryDocType:s InventoryRefNbr:s InvoiceNbr:s InvoiceType:s ShipmentDate:d ShipmentNbr:s ShipmentType:s ShippedQty:n ShippedVolume:n ShippedWeight:n Status:s InventoryNoteID:g LastModifiedDateTime:d OrderNoteID:g ShippingNoteID:g',
  ShippingSettings:
    'CancelByDate:d Canceled:b FOBPoint:s GroundCollect:b Insurance:b PreferredWarehouseID:s Priority:h ResidentialDelivery:b SaturdayDelivery:b ScheduledShipmentDate:d ShippingRule:s ShippingTerms:s ShippingZone:s ShipSeparately:b ShipVia:s ShopForRates:>ShopForRates UseCustomersAccount:b FreightPrice:n FreightCost:n FreightCostIsuptodate:b FreightTaxCategory:s OrderVolume:n OrderWeight:n OverrideFreightPrice:b PackageWeight:n PremiumFreight:n',
  TaxDetail:
    'CustomerTaxZone:s IncludeInVATExemptTotal:b LineNbr:i OrderNbr:s OrderType:s PendingVAT:b RecordID:i ReverseVAT:b StatisticalVAT:b TaxableAmount:n TaxAmount:n TaxID:s TaxRate:n TaxType:s',
  Totals:
    'DiscountTotal:n LineTotalAmount:n MiscTotalAmount:n TaxTotal:n UnbilledAmount:n UnbilledQty:n UnpaidBalance:n Freight:n FreightCost:n FreightCostIsuptodate:b FreightTaxCategory:s OrderVolume:n OrderWeight:n PackageWeight:n PremiumFreight:n OverrideFreightAmount:b',
  ShipmentDetail:
    'Description:s ExpirationDate:d FreeItem:b InventoryID:s LineNbr:i LocationID:s LotSerialNbr:s OpenQty:n OrderedQty:n OrderLineNbr:i OrderNbr:s OrderType:s OriginalQty:n ReasonCode:s ShippedQty:n Subitem:s UOM:s WarehouseID:s',
  ShipmentOrderDetail:
    'InventoryDocType:s InventoryRefNbr:s InvoiceNbr:s InvoiceType:s OrderNbr:s OrderType:s ShipmentNbr:s ShipmentType:s ShippedQty:n ShippedVolume:n ShippedWeight:n OrderNoteID:g',
  ShipmentPackage:
    'BoxID:s CODAmount:n Confirmed:b CustomRefNbr1:s CustomRefNbr2:s DeclaredValue:n Description:s TrackingNbr:s Type:s UOM:s Weight:n Length:n Width:n Height:n LineNbr:i NoteID:g',
  ShipToSettings:
    'ShipToAddress:>Address ShipToAddressOverride:b ShipToContact:>DocContact ShipToContactOverride:b Validated:b',
  InvoiceApplicationsCreditMemo:
    'AmountPaid:n Balance:n Customer:s CustomerOrder:s Description:s DocType:s PostPeriod:s ReferenceNbr:s Status:s',
  InvoiceApplicationsDefault:
    'AmountPaid:n Balance:n CashDiscountTaken:n DocType:s PaymentDate:d ReferenceNbr:s Status:s',
  InvoiceDetail:
    'Account:s Amount:n Branch:s CalculateDiscountsOnImport:b CostCode:s DiscountAmount:n ExtendedPrice:n InventoryID:s LastModifiedDateTime:d LineNbr:i ProjectTask:s Qty:n Subaccount:s Subitem:s TransactionDescription:s UnitPrice:n UOM:s TaxCategory:s',
  InvoiceDiscountDetail:
    'Description:s DiscountableAmount:n DiscountableQty:n DiscountAmount:n DiscountCode:s DiscountPercent:n ExternalDiscountCode:s ManualDiscount:b OrderNbr:s OrderType:s RetainedDiscount:n SequenceID:s SkipDiscount:b Type:s',
  InvoiceTaxDetail: 'TaxableAmount:n TaxAmount:n TaxID:s TaxRate:n',
  ShopForRates: 'IsManualPackage:b OrderWeight:n PackageWeight:n',
};
