#include <cstdio>
#include <istream>
#include <ostream>
#include <vector>
using namespace std;

int main() {
    int n;
    long long limit;
    scanf("%d %lld", &n, &limit);
    vector<long long> w(n);
    for (int i = 0; i < n; i++) scanf("%lld", &w[i]);
    long long total = 0;
    int taken = 0;
    for (int i = 0; i < n; i++)
        if (total + w[i] <= limit) total += w[i], taken++;
    printf("%d%c%lld\n", taken, ' ', total);
    printf("ratio 100%%: %g\n", (double)total / limit);
    for (int i = 0; i < taken; i++) printf("%lld%c", w[i], (i + 1 == taken ? '\n' : ' '));
    return 0;
}
