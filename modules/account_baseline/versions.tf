terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # >= 6.0 (not 5.x), as the modules it composes (data.aws_region.current.region is new in 6.0).
      version = ">= 6.0"
    }
  }
}
