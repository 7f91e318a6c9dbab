// Package collect reads Alibaba Cloud inventory through the official SDK.
package collect
