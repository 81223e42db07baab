output "distribution_id" {
  description = "ID of the distribution (for invalidations)."
  value       = aws_cloudfront_distribution.this.id
}

output "domain_name" {
  description = "CloudFront domain name of the distribution."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "distribution_arn" {
  description = "ARN of the distribution."
  value       = aws_cloudfront_distribution.this.arn
}

output "hosted_zone_id" {
  description = "Route 53 zone id of CloudFront, for alias records to the distribution."
  value       = aws_cloudfront_distribution.this.hosted_zone_id
}

output "bucket_policy_json" {
  description = "Policy statement letting this distribution read the site bucket: merge it into the bucket's policy (source_policy_documents)."
  value       = data.aws_iam_policy_document.site_bucket.json
}
