#include <iostream>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    long long limit;
    cin >> n >> limit;
    vector<long long> w(n);
    for (int i = 0; i < n; i++) cin >> w[i];
    long long total = 0;
    int taken = 0;
    for (int i = 0; i < n; i++)
        if (total + w[i] <= limit) total += w[i], taken++;
    cout << taken << ' ' << total << endl;
    cout << "ratio 100%: " << (double)total / limit << "\n";
    for (int i = 0; i < taken; i++) cout << w[i] << (i + 1 == taken ? '\n' : ' ');
    return 0;
}
