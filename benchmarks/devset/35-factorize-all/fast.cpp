#include <bits/stdc++.h>
using namespace std;

int main() {
    int q;
    scanf("%d", &q);
    // primes up to 1000 are enough to factor anything up to 10^6
    vector<int> primes;
    for (int i = 2; i <= 1000; i++) {
        bool p = true;
        for (int d : primes) {
            if (d * d > i) break;
            if (i % d == 0) { p = false; break; }
        }
        if (p) primes.push_back(i);
    }
    long long checksum = 0;
    while (q--) {
        int n;
        scanf("%d", &n);
        int factors = 0;
        for (int p : primes) {
            if (p * p > n) break;
            while (n % p == 0) n /= p, factors++, checksum += p;
        }
        if (n > 1) factors++, checksum += n;
        printf("%d\n", factors);
    }
    printf("%lld\n", checksum);
}
