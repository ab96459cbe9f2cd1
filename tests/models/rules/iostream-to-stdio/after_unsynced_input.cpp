#include <cstdio>
#include <cstdio>
#include <istream>
#include <ostream>
using namespace std;

int main() {
    long long n, k;
    scanf("%lld %lld", &n, &k);  // only cin reads stdin and only printf writes: no order to keep
    long long count = 0;
    for (long long b = k + 1; b <= n; b++) count += (n / b) * (b - k) + max(0LL, n % b - k + 1);
    printf("%lld\n", count);
}
