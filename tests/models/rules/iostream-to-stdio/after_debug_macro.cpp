#include <cstdio>
#include <istream>
#include <ostream>
using namespace std;
#define dbg(x) cout << #x << " = " << (x) << endl  // never used here

long long w[40];

int main() {
    int n;
    scanf("%d", &n);
    long long best = 0;
    for (int i = 0; i < n; i++) {
        scanf("%lld", &w[i]);
        if (w[i] > best) best = w[i];
    }
    printf("%lld%c", best, '\n');
}
