#include <iostream>
#include <vector>
using namespace std;

int main() {
    vector<int> v;
    v.push_back(7);
    int& first = v[0];
    for (int i = 0; i < 3; i++) v.push_back(i);
    cout << v.size() << "\n";
    (void)first;
}
