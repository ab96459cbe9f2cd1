#include <algorithm>
#include <iostream>
#include <vector>
using namespace std;

int main() {
    vector<int> a = {3, 1, 2};
    vector<int> b = a;
    sort(b.begin(), b.end());
    cout << a[0] << b[0] << "\n";
}
