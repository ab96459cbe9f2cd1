#include <algorithm>
#include <cstdio>
#include <vector>
using namespace std;

// For each number: count of distinct prime factors and its largest prime factor.
int main() {
    int q;
    scanf("%d", &q);
    vector<int> a(q);
    for (int& x : a) scanf("%d", &x);
    int m = max(2, *max_element(a.begin(), a.end()));
    // smallest prime factor of every value up to the largest query
    vector<int> spf(m + 1, 0);
    for (int i = 2; i <= m; i++)
        if (spf[i] == 0)
            for (int j = i; j <= m; j += i)
                if (spf[j] == 0) spf[j] = i;
    long long sumDistinct = 0, sumLargest = 0;
    for (int x : a) {
        int distinct = 0, largest = 1;
        while (x > 1) {
            int p = spf[x];
            distinct++;
            largest = p;
            while (x % p == 0) x /= p;
        }
        sumDistinct += distinct;
        sumLargest += largest;
    }
    printf("%lld %lld\n", sumDistinct, sumLargest);
    return 0;
}
