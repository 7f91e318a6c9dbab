// Package cloudsim emulates the Alibaba Cloud OpenAPI.
package cloudsim
