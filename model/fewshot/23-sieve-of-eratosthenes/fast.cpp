#include <cstdio>
#include <vector>
using namespace std;

int main() {
    const int LIMIT = 1000000;
    vector<bool> composite(LIMIT + 1, false);
    vector<int> primes_upto(LIMIT + 1, 0);
    for (int i = 2; i <= LIMIT; i++) {
        primes_upto[i] = primes_upto[i - 1];
        if (composite[i]) continue;
        primes_upto[i]++;
        for (long long j = 1LL * i * i; j <= LIMIT; j += i) composite[j] = true;
    }
    int q;
    scanf("%d", &q);
    while (q--) {
        int n;
        scanf("%d", &n);
        printf("%d\n", primes_upto[n]);
    }
    return 0;
}
