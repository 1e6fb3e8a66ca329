#!/usr/bin/perl
# Writes small MaxMind DB files for the geoip stage tests with Debian's MaxMind::DB::Writer
# (libmaxmind-db-writer-perl): make_test_mmdb.pl OUT.mmdb city|country|asn
# 81.2.69.0/24 and 2a02:8010::/32 are in every database; other addresses are not (the writer
# drops reserved ranges such as 2001:db8::/32 and 192.0.2.0/24).
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($out, $kind) = @ARGV;
die "usage: $0 OUT.mmdb city|country|asn\n" unless $out && $kind;
my %types = (
  names => 'map', city => 'map', country => 'map', continent => 'map', location => 'map',
  postal => 'map', subdivisions => ['array', 'map'], en => 'utf8_string', de => 'utf8_string',
  code => 'utf8_string', iso_code => 'utf8_string', latitude => 'double', longitude => 'double',
  time_zone => 'utf8_string', autonomous_system_number => 'uint32',
  autonomous_system_organization => 'utf8_string',
);
my %db_type = (city => 'GeoLite2-City', country => 'GeoLite2-Country', asn => 'GeoLite2-ASN');
my $tree = MaxMind::DB::Writer::Tree->new(
  ip_version => 6, record_size => 24, database_type => $db_type{$kind}, languages => ['en'],
  description => { en => 'logtail geoip test database' },
  map_key_type_callback => sub { $types{ $_[0] } },
);
my %record;
if ($kind eq 'asn') {
  %record = (autonomous_system_number => 20712, autonomous_system_organization => 'Andrews & Arnold Ltd');
} else {
  %record = (
    continent => { code => 'EU', names => { en => 'Europe', de => 'Europa' } },
    country => { iso_code => 'GB', names => { en => 'United Kingdom' } },
  );
  if ($kind eq 'city') {
    $record{city} = { names => { en => 'London' } };
    $record{location} = { latitude => 51.5142, longitude => -0.0931, time_zone => 'Europe/London' };
    $record{postal} = { code => 'EC2V' };
    $record{subdivisions} = [
      { iso_code => 'ENG', names => { en => 'England' } },
      { iso_code => 'LND', names => { en => 'City of London' } },
    ];
  }
}
$tree->insert_network($_, \%record) for ('81.2.69.0/24', '2a02:8010::/32');
open my $fh, '>:raw', $out or die "$out: $!\n";
$tree->write_tree($fh);
close $fh or die "$out: $!\n";
