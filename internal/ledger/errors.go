package ledger

// rpcErrorInfo is one entry of rippled's RPC error table (ErrorCodes.cpp).
type rpcErrorInfo struct {
	code    int
	message string
}

// rpcErrors holds the RPC errors this server can answer, with rippled's codes.
var rpcErrors = map[string]rpcErrorInfo{
	"badSyntax":           {1, "Syntax error."},
	"noPermission":        {6, "You don't have permission for this command."},
	"noEvents":            {7, "Current transport does not support events."},
	"tooBusy":             {9, "The server is too busy to help you now."},
	"notReady":            {13, "Not ready to handle this request."},
	"noClosed":            {15, "Closed ledger is unavailable."},
	"noCurrent":           {16, "Current ledger is unavailable."},
	"actNotFound":         {19, "Account not found."},
	"lgrNotFound":         {21, "Ledger not found."},
	"txnNotFound":         {29, "Transaction not found."},
	"invalidHotWallet":    {30, "Invalid hotwallet."},
	"invalidParams":       {31, "Invalid parameters."},
	"unknownCmd":          {32, "Unknown method."},
	"actMalformed":        {35, "Account malformed."},
	"badSecret":           {43, "Secret does not match account."},
	"lgrIdxsInvalid":      {57, "Ledger indexes invalid."},
	"lgrIdxMalformed":     {58, "Ledger index malformed."},
	"malformedStream":     {71, "Stream malformed."},
	"internal":            {73, "Internal error."},
	"notImpl":             {74, "Not implemented."},
	"notSupported":        {75, "Operation not supported."},
	"invalid_API_version": {6000, "Invalid API version."},
}

// rpcErr builds rippled's error result: error, error_code, error_message.
func rpcErr(token string) map[string]any {
	info, ok := rpcErrors[token]
	if !ok {
		info = rpcErrors["internal"]
		token = "internal"
	}
	return map[string]any{"error": token, "error_code": info.code, "error_message": info.message}
}

// rpcErrMsg is rpcErr with a specific message, as rippled's make_error(code, msg).
func rpcErrMsg(token, message string) map[string]any {
	r := rpcErr(token)
	r["error_message"] = message
	return r
}

func missingField(name string) map[string]any {
	return rpcErrMsg("invalidParams", "Missing field '"+name+"'.")
}

func invalidField(name string) map[string]any {
	return rpcErrMsg("invalidParams", "Invalid field '"+name+"'.")
}

func expectedField(name, kind string) map[string]any {
	return rpcErrMsg("invalidParams", "Invalid field '"+name+"', not "+kind+".")
}

// engineMessages are rippled's transResults human texts for the results this engine
// produces (TER.cpp).
var engineMessages = map[string]string{
	"tesSUCCESS":                           "The transaction was applied. Only final in a validated ledger.",
	"tecDIR_FULL":                          "Can not add entry to full directory.",
	"tecINSUF_RESERVE_LINE":                "Insufficient reserve to add trust line.",
	"tecNO_DST":                            "Destination does not exist. Send XRP to create it.",
	"tecNO_DST_INSUF_XRP":                  "Destination does not exist. Too little XRP sent to create it.",
	"tecNO_LINE_INSUF_RESERVE":             "No such line. Too little reserve to create it.",
	"tecNO_LINE_REDUNDANT":                 "Can't set non-existent line to default.",
	"tecPATH_DRY":                          "Path could not send partial amount.",
	"tecPATH_PARTIAL":                      "Path could not send full amount.",
	"tecNO_ALTERNATIVE_KEY":                "The operation would remove the ability to sign transactions with the account.",
	"tecNO_REGULAR_KEY":                    "Regular key is not set.",
	"tecUNFUNDED_PAYMENT":                  "Insufficient XRP balance to send.",
	"tecOWNERS":                            "Non-zero owner count.",
	"tecNO_ISSUER":                         "Issuer account does not exist.",
	"tecNO_AUTH":                           "Not authorized to hold asset.",
	"tecNO_LINE":                           "No such line.",
	"tecINSUFF_FEE":                        "Insufficient balance to pay fee.",
	"tecFROZEN":                            "Asset is frozen.",
	"tecNO_TARGET":                         "Target account does not exist.",
	"tecNO_PERMISSION":                     "No permission to perform requested operation.",
	"tecNO_ENTRY":                          "No matching entry found.",
	"tecINSUFFICIENT_RESERVE":              "Insufficient reserve to complete requested operation.",
	"tecNEED_MASTER_KEY":                   "The operation requires the use of the Master Key.",
	"tecDST_TAG_NEEDED":                    "A destination tag is required.",
	"tecINTERNAL":                          "An internal error has occurred during processing.",
	"tefALREADY":                           "The exact transaction was already in this ledger.",
	"tefBAD_AUTH":                          "Transaction's public key is not authorized.",
	"tefBAD_LEDGER":                        "Ledger in unexpected state.",
	"tefINTERNAL":                          "Internal error.",
	"tefMASTER_DISABLED":                   "Master key is disabled.",
	"tefMAX_LEDGER":                        "Ledger sequence too high.",
	"tefNO_AUTH_REQUIRED":                  "Auth is not required.",
	"tefNOT_MULTI_SIGNING":                 "Account has no appropriate list of multi-signers.",
	"tefPAST_SEQ":                          "This sequence number has already passed.",
	"tefWRONG_PRIOR":                       "This previous transaction does not match.",
	"tefBAD_AUTH_MASTER":                   "Auth for unclaimed account needs correct master key.",
	"tefNO_TICKET":                         "Ticket is not in ledger.",
	"telBAD_DOMAIN":                        "Domain too long.",
	"telBAD_PATH_COUNT":                    "Malformed: Too many paths.",
	"telBAD_PUBLIC_KEY":                    "Public key is not valid.",
	"telINSUF_FEE_P":                       "Fee insufficient.",
	"telNO_DST_PARTIAL":                    "Partial payment to create account not allowed.",
	"telWRONG_NETWORK":                     "Transaction specifies a Network ID that differs from that of the local node.",
	"telREQUIRES_NETWORK_ID":               "Transactions submitted to this node/network must include a correct NetworkID field.",
	"telNETWORK_ID_MAKES_TX_NON_CANONICAL": "Transactions submitted to this node/network must NOT include a NetworkID field.",
	"temMALFORMED":                         "Malformed transaction.",
	"temBAD_AMOUNT":                        "Malformed: Bad amount.",
	"temBAD_CURRENCY":                      "Malformed: Bad currency.",
	"temBAD_FEE":                           "Invalid fee, negative or not XRP.",
	"temBAD_ISSUER":                        "Malformed: Bad issuer.",
	"temBAD_LIMIT":                         "Limits must be non-negative.",
	"temBAD_PATH":                          "Malformed: Bad path.",
	"temBAD_REGKEY":                        "Malformed: Regular key cannot be same as master key.",
	"temBAD_SEND_XRP_LIMIT":                "Malformed: Limit quality is not allowed for XRP to XRP.",
	"temBAD_SEND_XRP_MAX":                  "Malformed: Send max is not allowed for XRP to XRP.",
	"temBAD_SEND_XRP_NO_DIRECT":            "Malformed: No Ripple direct is not allowed for XRP to XRP.",
	"temBAD_SEND_XRP_PARTIAL":              "Malformed: Partial payment is not allowed for XRP to XRP.",
	"temBAD_SEND_XRP_PATHS":                "Malformed: Paths are not allowed for XRP to XRP.",
	"temBAD_SIGNATURE":                     "Malformed: Bad signature.",
	"temBAD_SRC_ACCOUNT":                   "Malformed: Bad source account.",
	"temBAD_TRANSFER_RATE":                 "Malformed: Transfer rate must be >= 1.0 and <= 2.0",
	"temBAD_TICK_SIZE":                     "Malformed: Tick size out of range.",
	"temDST_IS_SRC":                        "Destination may not be source.",
	"temDST_NEEDED":                        "Destination not specified.",
	"temINVALID":                           "The transaction is ill-formed.",
	"temINVALID_FLAG":                      "The transaction has an invalid flag.",
	"temREDUNDANT":                         "The transaction is redundant.",
	"temDISABLED":                          "The transaction requires logic that is currently disabled.",
	"temINVALID_COUNT":                     "Malformed: Count field outside valid range.",
	"temSEQ_AND_TICKET":                    "Transaction contains a TicketSequence and a non-zero Sequence.",
	"terRETRY":                             "Retry transaction.",
	"terINSUF_FEE_B":                       "Account balance can't pay fee.",
	"terNO_ACCOUNT":                        "The source account does not exist.",
	"terNO_AUTH":                           "Not authorized to hold IOUs.",
	"terNO_LINE":                           "No such line.",
	"terPRE_SEQ":                           "Missing/inapplicable prior transaction.",
	"terOWNERS":                            "Non-zero owner count.",
	"terNO_RIPPLE":                         "Path does not permit rippling.",
	"terPRE_TICKET":                        "Ticket is not yet in ledger.",
}
