package mnssim

import (
	"encoding/xml"
	"net/http"
)

// xmlNS is the namespace MNS puts on its response root elements.
const xmlNS = "http://mns.aliyuncs.com/doc/v1/"

// apiVersion is the only x-mns-version the emulator (and the SDK) speaks.
const apiVersion = "2015-06-06"

// mnsError is an MNS error answer: HTTP status plus the <Error> code and message.
type mnsError struct {
	status  int
	code    string
	message string
}

func (e *mnsError) Error() string { return e.code + ": " + e.message }

func errf(status int, code, message string) *mnsError {
	return &mnsError{status: status, code: code, message: message}
}

// Error answers used in several places. Codes and statuses follow the MNS API reference;
// the SDK maps the codes onto its error values (client.go initMNSErrors).
var (
	errQueueNotExist   = errf(http.StatusNotFound, "QueueNotExist", "The queue name you provided is not exist.")
	errMessageNotExist = errf(http.StatusNotFound, "MessageNotExist", "Message not exist.")
	errReceiptHandle   = errf(http.StatusBadRequest, "ReceiptHandleError", "The receipt handle you provide is not valid.")
)

// errorBody is the <Error> document.
type errorBody struct {
	XMLName   xml.Name `xml:"Error"`
	Xmlns     string   `xml:"xmlns,attr"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId"`
	HostID    string   `xml:"HostId"`
}

// --- requests ---

// sendRequest is <Message> of SendMessage and one entry of BatchSendMessage.
// Pointers tell "absent" from zero.
type sendRequest struct {
	XMLName      xml.Name `xml:"Message"`
	MessageBody  *string  `xml:"MessageBody"`
	DelaySeconds *int64   `xml:"DelaySeconds"`
	Priority     *int64   `xml:"Priority"`
}

// batchSendRequest is <Messages> of BatchSendMessage.
type batchSendRequest struct {
	XMLName  xml.Name      `xml:"Messages"`
	Messages []sendRequest `xml:"Message"`
}

// receiptHandlesRequest is <ReceiptHandles> of BatchDeleteMessage.
type receiptHandlesRequest struct {
	XMLName xml.Name `xml:"ReceiptHandles"`
	Handles []string `xml:"ReceiptHandle"`
}

// queueRequest is <Queue> of CreateQueue / SetQueueAttributes.
type queueRequest struct {
	XMLName                xml.Name `xml:"Queue"`
	DelaySeconds           *int64   `xml:"DelaySeconds"`
	MaximumMessageSize     *int64   `xml:"MaximumMessageSize"`
	MessageRetentionPeriod *int64   `xml:"MessageRetentionPeriod"`
	VisibilityTimeout      *int64   `xml:"VisibilityTimeout"`
	PollingWaitSeconds     *int64   `xml:"PollingWaitSeconds"`
	LoggingEnabled         *bool    `xml:"LoggingEnabled"`
}

// --- responses ---

// sendResponse answers SendMessage.
type sendResponse struct {
	XMLName        xml.Name `xml:"Message"`
	Xmlns          string   `xml:"xmlns,attr"`
	MessageID      string   `xml:"MessageId"`
	MessageBodyMD5 string   `xml:"MessageBodyMD5"`
}

// batchSendEntry is one <Message> of the BatchSendMessage answer: an id or an error.
type batchSendEntry struct {
	XMLName        xml.Name `xml:"Message"`
	ErrorCode      string   `xml:"ErrorCode,omitempty"`
	ErrorMessage   string   `xml:"ErrorMessage,omitempty"`
	MessageID      string   `xml:"MessageId,omitempty"`
	MessageBodyMD5 string   `xml:"MessageBodyMD5,omitempty"`
}

type batchSendResponse struct {
	XMLName  xml.Name         `xml:"Messages"`
	Xmlns    string           `xml:"xmlns,attr"`
	Messages []batchSendEntry `xml:"Message"`
}

// messageOut is a received or peeked message.
type messageOut struct {
	XMLName          xml.Name `xml:"Message"`
	Xmlns            string   `xml:"xmlns,attr,omitempty"`
	MessageID        string   `xml:"MessageId"`
	ReceiptHandle    string   `xml:"ReceiptHandle,omitempty"`
	MessageBodyMD5   string   `xml:"MessageBodyMD5"`
	MessageBody      string   `xml:"MessageBody"`
	EnqueueTime      int64    `xml:"EnqueueTime"`
	NextVisibleTime  int64    `xml:"NextVisibleTime,omitempty"`
	FirstDequeueTime int64    `xml:"FirstDequeueTime,omitempty"`
	DequeueCount     int64    `xml:"DequeueCount"`
	Priority         int64    `xml:"Priority"`
}

type messagesOut struct {
	XMLName  xml.Name     `xml:"Messages"`
	Xmlns    string       `xml:"xmlns,attr"`
	Messages []messageOut `xml:"Message"`
}

type deleteErrorEntry struct {
	XMLName       xml.Name `xml:"Error"`
	ErrorCode     string   `xml:"ErrorCode"`
	ErrorMessage  string   `xml:"ErrorMessage"`
	ReceiptHandle string   `xml:"ReceiptHandle"`
}

type deleteErrors struct {
	XMLName xml.Name           `xml:"Errors"`
	Xmlns   string             `xml:"xmlns,attr"`
	Errors  []deleteErrorEntry `xml:"Error"`
}

type changeVisibilityResponse struct {
	XMLName         xml.Name `xml:"ChangeVisibility"`
	Xmlns           string   `xml:"xmlns,attr"`
	ReceiptHandle   string   `xml:"ReceiptHandle"`
	NextVisibleTime int64    `xml:"NextVisibleTime"`
}

// queueOut is the <Queue> of GetQueueAttributes and of ListQueue with meta.
type queueOut struct {
	XMLName                xml.Name `xml:"Queue"`
	Xmlns                  string   `xml:"xmlns,attr,omitempty"`
	QueueURL               string   `xml:"QueueURL,omitempty"`
	QueueName              string   `xml:"QueueName,omitempty"`
	CreateTime             int64    `xml:"CreateTime,omitempty"`
	LastModifyTime         int64    `xml:"LastModifyTime,omitempty"`
	DelaySeconds           *int64   `xml:"DelaySeconds,omitempty"`
	MaximumMessageSize     *int64   `xml:"MaximumMessageSize,omitempty"`
	MessageRetentionPeriod *int64   `xml:"MessageRetentionPeriod,omitempty"`
	VisibilityTimeout      *int64   `xml:"VisibilityTimeout,omitempty"`
	PollingWaitSeconds     *int64   `xml:"PollingWaitSeconds,omitempty"`
	ActiveMessages         *int64   `xml:"ActiveMessages,omitempty"`
	InactiveMessages       *int64   `xml:"InactiveMessages,omitempty"`
	DelayMessages          *int64   `xml:"DelayMessages,omitempty"`
	LoggingEnabled         *bool    `xml:"LoggingEnabled,omitempty"`
}

type queuesOut struct {
	XMLName    xml.Name   `xml:"Queues"`
	Xmlns      string     `xml:"xmlns,attr"`
	Queues     []queueOut `xml:"Queue"`
	NextMarker string     `xml:"NextMarker,omitempty"`
}
